"""Installment and export job states."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class InstallmentState(StrEnum):
    """拨付状态; the transitions between them are in payments/lifecycle.py."""

    PENDING = "pending"  # 待满足条件
    CONDITION_MET = "condition_met"  # 条件已满足
    RELEASE_APPROVED = "release_approved"  # 已批准拨付 (staff)
    PAID = "paid"  # 已支付 (finance)

    @property
    def label(self):
        return {
            InstallmentState.PENDING: _l("Waiting for its condition"),
            InstallmentState.CONDITION_MET: _l("Condition met"),
            InstallmentState.RELEASE_APPROVED: _l("Release approved"),
            InstallmentState.PAID: _l("Paid"),
        }[self]

    @property
    def badge(self):
        return {
            InstallmentState.PENDING: "secondary",
            InstallmentState.CONDITION_MET: "info",
            InstallmentState.RELEASE_APPROVED: "warning",
            InstallmentState.PAID: "success",
        }[self]


class JobState(StrEnum):
    """导出任务状态"""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self):
        return {
            JobState.QUEUED: _l("Waiting to start"),
            JobState.RUNNING: _l("Running"),
            JobState.DONE: _l("Ready"),
            JobState.FAILED: _l("Failed"),
        }[self]


class ExportKind(StrEnum):
    """导出类型: what an ExportJob makes (its handler is registered under the same value)."""

    CONTRACTS_ZIP = "contracts_zip"  # 合同 PDF 压缩包
    LEDGER_XLSX = "ledger_xlsx"  # 财务台账 Excel
    LEDGER_CSV = "ledger_csv"  # 财务台账 CSV

    @property
    def label(self):
        return {
            ExportKind.CONTRACTS_ZIP: _l("Contracts export"),
            ExportKind.LEDGER_XLSX: _l("Ledger export (Excel)"),
            ExportKind.LEDGER_CSV: _l("Ledger export (CSV)"),
        }[self]
