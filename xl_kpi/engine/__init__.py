"""The engine: points per indicator and totals (score), money (payroll), peer review, months and periods."""
