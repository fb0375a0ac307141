"""Archive: backups of the whole platform (the database and the uploaded files), restore, and their rotation."""
