Attribute VB_Name = "KpiRibbon"
' xl-kpi ribbon callbacks (the KPI tab of customUI14.xml).
'
' Each button runs one entry point of the Python module xl_kpi.ribbon through
' xlwings' RunPython; Python reads its parameters from the settings sheet of the
' active workbook and writes its results back.  No logic lives here: the
' scoring, the checks and the messages are Python's, the same code as the
' command line.  This file is kept ASCII-only on purpose: the VBA project is
' stored in the ANSI code page, so Chinese text here would not survive a
' Windows without the Chinese code page.  The Chinese labels live in the
' ribbon XML, which is UTF-8.
Option Explicit

Public Sub KpiGenerate(control As Object)
    RunPython "import xl_kpi.ribbon; xl_kpi.ribbon.generate_sheets()"
End Sub

Public Sub KpiImportData(control As Object)
    RunPython "import xl_kpi.ribbon; xl_kpi.ribbon.import_data()"
End Sub

Public Sub KpiConsolidate(control As Object)
    RunPython "import xl_kpi.ribbon; xl_kpi.ribbon.consolidate_month()"
End Sub

Public Sub KpiAnnual(control As Object)
    RunPython "import xl_kpi.ribbon; xl_kpi.ribbon.annual_summary()"
End Sub

Public Sub KpiFeedback(control As Object)
    RunPython "import xl_kpi.ribbon; xl_kpi.ribbon.feedback_forms()"
End Sub

Public Sub KpiCheckRules(control As Object)
    RunPython "import xl_kpi.ribbon; xl_kpi.ribbon.check_rules()"
End Sub

' The ribbon has loaded: give the KPI_* functions their category and
' descriptions in Excel's function wizard (see the KpiFunctions module).
Public Sub KpiRibbonLoad(ribbon As Object)
    RegisterKpiFunctions
End Sub

' The HR workbook carries the same tab as the add-in, for offices that do
' not install add-ins.  When the add-in is loaded, the workbook's own tab
' hides itself so that the buttons do not appear twice.
Public Sub KpiTabVisible(control As Object, ByRef returnedVal)
    Dim addin As Object
    Set addin = Nothing
    On Error Resume Next
    If LCase$(ThisWorkbook.Name) <> "xl_kpi.xlam" Then Set addin = Workbooks("xl_kpi.xlam")
    On Error GoTo 0
    returnedVal = (addin Is Nothing)
End Sub
