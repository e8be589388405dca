"""What happened and how it scores, one module per capability (no table depends on the split):
quarterly reporting, the yearly assessment, department progress."""

from assessments.models.assessment import (
    AssessmentRun,
    ElementFigure,
    Method,
    QualityIncident,
    RegionFigure,
    RegionResult,
    RollupStage,
    Rulebook,
    RuleItem,
    RunStatus,
    Severity,
    TargetWarning,
    VetoRule,
    WarningLevel,
    default_grade_bands,
)
from assessments.models.progress import (
    DepartmentWork,
    EvidenceFile,
    ProgressReminder,
    ProgressUpdate,
    WorkKind,
)
from assessments.models.reporting import (
    Aggregation,
    AuditAction,
    AuditEntry,
    DataElement,
    ElementRule,
    Indicator,
    IndicatorKind,
    Period,
    ReferenceValue,
    Status,
    Submission,
    TargetMeasure,
    Value,
    ValueType,
    WindowReopening,
)

__all__ = [
    "Aggregation", "AssessmentRun", "AuditAction", "AuditEntry", "DataElement", "DepartmentWork",
    "ElementFigure", "ElementRule", "EvidenceFile", "Indicator", "IndicatorKind", "Method",
    "Period", "ProgressReminder", "ProgressUpdate", "QualityIncident", "ReferenceValue",
    "RegionFigure", "RegionResult", "RollupStage", "RuleItem", "Rulebook", "RunStatus",
    "Severity", "Status", "Submission", "TargetMeasure", "TargetWarning", "Value", "ValueType",
    "VetoRule", "WarningLevel", "WindowReopening", "WorkKind", "default_grade_bands",
]  # fmt: skip
