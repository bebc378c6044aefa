"""Importing streets and towns (街道 / 镇) and their communities (社区)."""

from flask_babel import gettext as _
from sqlalchemy import select

from venture.extensions import db
from venture.imports.columns import Column
from venture.imports.enums import ImportKind, RowAction
from venture.imports.kinds import Kind, added
from venture.imports.parsers import word_of
from venture.reference.models import Community, Street

KIND_WORDS = {"街道": "street", "street": "street", "镇": "town", "town": "town", "乡镇": "town"}


def street_kind(raw):
    return word_of(raw, KIND_WORDS, _("Write 街道 (street) or 镇 (town)."))


class CommunityKind(Kind):
    kind = ImportKind.COMMUNITIES
    columns = (
        Column(
            "street",
            "街道/镇",
            ("街道", "镇", "街道(镇)", "所属街道", "所属街道/镇", "街道名称", "street"),
            required=True,
            width=20,
        ),
        Column("street_kind", "类型", ("街道类型", "kind"), choices=("街道", "镇"), width=10),
        Column("community", "社区", ("社区名称", "社区居委会", "居委会", "community"), width=24),
    )
    example = {"street": "示例街道", "street_kind": "街道", "community": "示例社区"}

    def parse(self, result, cells):
        self.text(result, cells, "street", max_length=60, required=True)
        self.parsed(result, cells, "street_kind", street_kind)
        self.text(result, cells, "community", max_length=60)

    def context(self, results, present):
        streets = {s.name: s for s in db.session.scalars(select(Street))}
        communities = {(c.street_id, c.name): c for c in db.session.scalars(select(Community))}
        # streets this file adds: {name: (row number, kind)}
        return {"streets": streets, "communities": communities, "new_streets": {}, "seen": {}}

    def decide(self, result, ctx):
        if result.refused:
            result.action = RowAction.REFUSED
            return
        values = result.values
        name, community = values["street"], values.get("community") or ""
        first = ctx["seen"].setdefault((name, community), result.number)
        if first != result.number:
            result.refuse(
                "community" if community else "street",
                _("The same street and community are on row %(row)d.", row=first),
            )
            result.action = RowAction.REFUSED
            return
        kind = values.get("street_kind")
        street = ctx["streets"].get(name)
        if street is None:
            planned = ctx["new_streets"].get(name)
            if planned and kind and kind != planned[1]:
                result.refuse(
                    "street_kind",
                    _("Row %(row)d gives this street another type.", row=planned[0]),
                )
                result.action = RowAction.REFUSED
                return
            if planned is None:
                ctx["new_streets"][name] = (result.number, kind or "street")
                result.extra["new_street"] = True
            result.action = RowAction.ADD
            return
        result.target = street
        if community and (street.id, community) not in ctx["communities"]:
            result.action = RowAction.ADD
        if kind and kind != street.kind:
            result.changes["kind"] = (street.kind, kind)
        if result.action is None:
            result.action = RowAction.UPDATE if result.changes else RowAction.UNCHANGED

    def apply(self, results, ctx, *, actor, batch):
        records = []
        streets = dict(ctx["streets"])
        for result in results:
            values = result.values
            street = streets.get(values["street"])
            if street is None:
                street = Street(name=values["street"], kind=ctx["new_streets"][values["street"]][1])
                db.session.add(street)
                db.session.flush()
                streets[street.name] = street
                records.append(added(batch, result, street))
            if result.changes:
                records.append(self.update_record(batch, result, street))
            community = values.get("community")
            if community and (street.id, community) not in ctx["communities"]:
                place = Community(name=community, street=street)
                db.session.add(place)
                db.session.flush()
                ctx["communities"][(street.id, community)] = place
                records.append(added(batch, result, place))
        return records
