"""The scheme as data: indicators and their rule kinds, input units, grade and pay tables, decision kinds.

builtin/*.yaml: each built-in scheme carries its own document's rules, and only those.
"""
