"""Kinds of issued documents."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class DocumentKind(StrEnum):
    """签发文件的种类: what a verification page says the document is."""

    CONTRACT = "contract"  # 服务合同
    AWARD_NOTICE = "award_notice"  # 资助通知书 / 中标通知书
    EVALUATION_REPORT = "evaluation_report"  # 评估报告
    FINAL_REPORT = "final_report"  # 结项报告

    @property
    def label(self):
        return {
            DocumentKind.CONTRACT: _l("Service contract"),
            DocumentKind.AWARD_NOTICE: _l("Award notice"),
            DocumentKind.EVALUATION_REPORT: _l("Evaluation report"),
            DocumentKind.FINAL_REPORT: _l("Final report"),
        }[self]
