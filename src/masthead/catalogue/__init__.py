"""The catalogue: periodical title variants, calendar checks of issues, and writers from source paths.

Pure functions only (no database): the store and the command line call them.
"""
