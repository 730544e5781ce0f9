"""Altair chart builders: data in, chart out, one shared accessible theme.

Importing this package does not import Altair: the builders import it when a chart is first built
(``charts._altair``, which also sets up jsonschema and the workbook theme), and an app's first
screen draws from designs kept on disk (``charts.designs``) without building any.
"""
