"""Quality credit (质量信用): each enterprise's credit grade and its history, the credit events (facts for its
record, from every app), and the one service that changes a grade. Upstream of the apps that read grades
(targeting applies them at the border) and of those that record events (response)."""
