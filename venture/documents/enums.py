"""Kinds of issued documents."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class DocumentKind(LabelledEnum):
    """签发文件的种类: what a verification page says the document is."""

    CONTRACT = "contract", _l("Service contract")  # 服务合同
    AWARD_NOTICE = "award_notice", _l("Award notice")  # 资助通知书 / 中标通知书
    EVALUATION_REPORT = "evaluation_report", _l("Evaluation report")  # 评估报告
    FINAL_REPORT = "final_report", _l("Final report")  # 结项报告
