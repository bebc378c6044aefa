"""Installment and export job states."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class InstallmentState(LabelledEnum):
    """拨付状态; the transitions between them are in payments/lifecycle.py."""

    PENDING = "pending", _l("Waiting for its condition"), "secondary"  # 待满足条件
    CONDITION_MET = "condition_met", _l("Condition met"), "info"  # 条件已满足
    RELEASE_APPROVED = "release_approved", _l("Release approved"), "warning"  # 已批准拨付 (staff)
    PAID = "paid", _l("Paid"), "success"  # 已支付 (finance)


class JobState(LabelledEnum):
    """导出任务状态"""

    QUEUED = "queued", _l("Waiting to start")
    RUNNING = "running", _l("Running")
    DONE = "done", _l("Ready")
    FAILED = "failed", _l("Failed")


class ExportKind(LabelledEnum):
    """导出类型: what an ExportJob makes (its handler is registered under the same value)."""

    CONTRACTS_ZIP = "contracts_zip", _l("Contracts export")  # 合同 PDF 压缩包
    LEDGER_XLSX = "ledger_xlsx", _l("Ledger export (Excel)")  # 财务台账 Excel
    LEDGER_CSV = "ledger_csv", _l("Ledger export (CSV)")  # 财务台账 CSV
