"""Bulk intake of real alert-system exports and partner files, in three parts: `reading` turns a file into
numbered rows, `sources` maps each export's rows to risk information fields, `pipeline` stores them (idempotent,
batch by batch, each batch in one transaction). Callers import from here."""

from .pipeline import BATCH_SIZE, ImportReport, Rejected, import_files, run_import
from .reading import RowError, decode, read_csv, read_file, read_json_items, read_xlsx
from .sources import SOURCES, Source
from .sources.partner import PARTNER_COLUMNS, map_partner
from .sources.rasff import map_rasff, map_rasff_risk_decision

__all__ = [
    "BATCH_SIZE",
    "PARTNER_COLUMNS",
    "SOURCES",
    "ImportReport",
    "Rejected",
    "RowError",
    "Source",
    "decode",
    "import_files",
    "map_partner",
    "map_rasff",
    "map_rasff_risk_decision",
    "read_csv",
    "read_file",
    "read_json_items",
    "read_xlsx",
    "run_import",
]
