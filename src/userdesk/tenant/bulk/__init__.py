"""Users in and out in bulk, in Auth0's formats: the user import schema and its exports.

``importer`` reads a JSON array or NDJSON file of import entries; ``exporter`` writes the
tenant's users as NDJSON or CSV, fields chosen by name with ``export_as``. An export in the
default fields is an import file: passwords travel as bcrypt ``custom_password_hash``.
"""
