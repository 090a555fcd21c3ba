"""The Excel add-in and the HR workbook: their VBA modules, their 设置 sheet, and how they are built."""
