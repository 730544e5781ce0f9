"""The chapter apps: one module per chapter, each with a ``build()`` that returns the app's widget.

Importing an app does not import Altair (or jsonschema, which Altair checks chart specs with): its
charts start from designs kept on disk (``charts.designs``) and Altair is imported only where a
chart is built (``charts._altair``).
"""
