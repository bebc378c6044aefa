"""Accounts and the roles they hold."""

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from venture.auth.enums import Role
from venture.core.columns import Key, Moment, UserId
from venture.core.db import TimestampMixin
from venture.core.mixins import children, parent_key
from venture.extensions import db


class User(UserMixin, TimestampMixin, db.Model):
    """用户账号"""

    __tablename__ = "user"

    id: Mapped[Key]
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    # bumped on deactivation or password change: every older session cookie stops working
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[Moment | None]
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id"), index=True
    )
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("community.id"), index=True)

    role_rows = children("UserRole", "user", lazy="selectin")
    organization = relationship("Organization", foreign_keys=[organization_id], lazy="joined")
    community = relationship("Community", lazy="joined")

    def set_password(self, password):
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.active

    @property
    def roles(self):
        return {Role(r.role) for r in self.role_rows}

    def has_role(self, role):
        return Role(role) in self.roles

    def has_any_role(self, *roles):
        return bool(self.roles & {Role(r) for r in roles})

    def set_roles(self, roles):
        wanted = {Role(r) for r in roles}
        self.role_rows = [r for r in self.role_rows if Role(r.role) in wanted]
        for role in wanted - self.roles:
            self.role_rows.append(UserRole(role=role.value))

    def __repr__(self):
        return f"<User {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_role"

    id: Mapped[Key]
    user_id: Mapped[UserId] = mapped_column(index=True)
    role: Mapped[str] = mapped_column(sa.String(20))

    user = relationship("User", back_populates="role_rows")

    __table_args__ = (
        sa.UniqueConstraint("user_id", "role", name="uq_user_role_user_id_role"),
        sa.CheckConstraint(
            "role IN ('applicant', 'staff', 'reviewer', 'finance', 'evaluator', 'community', "
            "'admin')",
            name="known_role",
        ),
    )


class LoginAttempt(db.Model):
    """A sign-in attempt, kept in the database so throttling holds across workers."""

    __tablename__ = "login_attempt"

    id: Mapped[Key]
    email: Mapped[str] = mapped_column(sa.String(254))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    success: Mapped[bool]
    at: Mapped[Moment]

    __table_args__ = (
        sa.Index("ix_login_attempt_email_at", "email", "at"),
        sa.Index("ix_login_attempt_ip_at", "ip", "at"),
    )


class AccessDenied(db.Model):
    """A request answered 403: who asked for what, and when."""

    __tablename__ = "access_denied"

    id: Mapped[Key]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(sa.String(10))
    path: Mapped[str] = mapped_column(sa.String(500))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    at: Mapped[Moment] = mapped_column(index=True)

    user = relationship("User", lazy="joined")


class UserSession(db.Model):
    """A sign-in, held on the server: the session cookie carries a random key whose SHA-256 is
    kept here. Logout, a password change, deactivation and "sign out everywhere" end the row;
    a cookie whose row has ended is refused, even if it was kept from before."""

    __tablename__ = "user_session"

    id: Mapped[Key]
    user_id: Mapped[int] = parent_key("user")
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    started_at: Mapped[Moment]
    ended_at: Mapped[Moment | None]
    ended_because: Mapped[str | None] = mapped_column(sa.String(20))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))

    __table_args__ = (
        sa.CheckConstraint(
            "ended_because IS NULL OR ended_because IN ('logout', 'password', 'deactivated', "
            "'everywhere', 'timeout', 'reset')",
            name="known_end",
        ),
    )
