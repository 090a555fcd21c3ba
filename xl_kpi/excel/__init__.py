"""Everything that touches a workbook file: the guarded opener, names, layout, formulas, sheets, reading back."""
