"""Courses and their published versions: immutable snapshots of modules, steps, quizzes, images.

A published version's rows are never updated nor deleted: learners enrolled on it keep it. Every
part keeps its Markdown source (for export and a later web editor) beside the HTML rendered once
at import.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import db
from training.timeutils import utcnow


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identity of the course across versions: the name of its folder.
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    versions: Mapped[list["CourseVersion"]] = relationship(
        back_populates="course", order_by="CourseVersion.number"
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class CourseVersion(db.Model):
    __tablename__ = "course_versions"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_is_positive"),
        sa.CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark_is_a_percentage"),
        sa.CheckConstraint("estimated_minutes >= 0", name="estimated_minutes_not_negative"),
        sa.CheckConstraint(
            "certificate_validity_months IS NULL OR certificate_validity_months >= 1",
            name="certificate_validity_is_positive",
        ),
        sa.CheckConstraint(
            "(fiche_title IS NULL AND fiche_md IS NULL AND fiche_html IS NULL)"
            " OR (fiche_title IS NOT NULL AND fiche_md IS NOT NULL AND fiche_html IS NOT NULL)",
            name="fiche_is_whole",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    #: 1, 2, 3… in the order of publication.
    number: Mapped[int]
    #: sha256 of the canonical parsed content (see content/parsed.py): equal hashes, same course.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.Text)
    summary: Mapped[str] = mapped_column(sa.Text)
    #: Profession codes for whom the course is shown first.
    audiences: Mapped[list[str]] = mapped_column(sa.JSON)
    #: Slugs of the courses a learner completes before enrolling from the catalogue (a session's
    #: trainer may take anyone); slugs, not versions, as any version completed counts.
    prerequisites: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    estimated_minutes: Mapped[int]
    #: Default pass mark (percent) of the quizzes that do not set their own.
    pass_mark: Mapped[int]
    #: Null: the certificate does not expire.
    certificate_validity_months: Mapped[int | None]
    #: Shown before the first lesson (sensitive content warning).
    content_notice: Mapped[str | None] = mapped_column(sa.Text)
    presentation_md: Mapped[str] = mapped_column(sa.Text)
    presentation_html: Mapped[str] = mapped_column(sa.Text)
    #: The « fiche réflexe » (fiche-reflexe.md): its title, its Markdown after the front matter
    #: and the learners' HTML; all three null when the version has none.
    fiche_title: Mapped[str | None] = mapped_column(sa.Text)
    fiche_md: Mapped[str | None] = mapped_column(sa.Text)
    fiche_html: Mapped[str | None] = mapped_column(sa.Text)
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: What changed, in the publisher's words (the history page); null for a version imported
    #: from files, which have no such note.
    change_note: Mapped[str | None] = mapped_column(sa.Text)
    #: Who published it from the web editor; null for the command line or a deleted account.
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    course: Mapped[Course] = relationship(back_populates="versions")
    modules: Mapped[list["Module"]] = relationship(
        back_populates="version", order_by="Module.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<CourseVersion {self.course_id} v{self.number}>"


class Module(db.Model):
    __tablename__ = "course_modules"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "position"),
        sa.UniqueConstraint("version_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_versions.id", ondelete="CASCADE"))
    #: 1-based order in the version.
    position: Mapped[int]
    #: Name of the module's folder, e.g. "01-comprendre".
    key: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.Text)
    intro_md: Mapped[str] = mapped_column(sa.Text)
    intro_html: Mapped[str] = mapped_column(sa.Text)

    version: Mapped[CourseVersion] = relationship(back_populates="modules")
    steps: Mapped[list["Step"]] = relationship(
        back_populates="module", order_by="Step.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Module {self.key} of version {self.version_id}>"


class Step(db.Model):
    __tablename__ = "course_steps"
    __table_args__ = (
        sa.UniqueConstraint("module_id", "position"),
        sa.UniqueConstraint("version_id", "key"),
        sa.CheckConstraint("kind IN ('lesson', 'quiz', 'scenario')", name="kind_is_known"),
        sa.CheckConstraint(
            "pass_mark IS NULL OR pass_mark BETWEEN 0 AND 100", name="pass_mark_is_a_percentage"
        ),
        sa.CheckConstraint(
            "max_attempts IS NULL OR max_attempts >= 1", name="max_attempts_is_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Repeats the module's version, so that a key is unique in a version and found in one query.
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_versions.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_modules.id", ondelete="CASCADE"), index=True
    )
    #: 1-based order in the module.
    position: Mapped[int]
    #: "<module folder>/<step file name without .md>", stable within a version.
    key: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(10))
    title: Mapped[str] = mapped_column(sa.Text)
    estimated_minutes: Mapped[int | None]
    #: Markdown before the first question for a quiz; the whole file body for a scenario (its
    #: stages are also stored as rows, for the player); the whole lesson otherwise.
    body_md: Mapped[str] = mapped_column(sa.Text)
    #: The lesson, the quiz's introduction or the scenario's starting situation.
    body_html: Mapped[str] = mapped_column(sa.Text)
    #: Quiz or scenario; null means the course's pass mark (see `effective_pass_mark`).
    pass_mark: Mapped[int | None]
    #: Quiz only; null means unlimited attempts.
    max_attempts: Mapped[int | None]
    #: Quiz only: show the choices in a random order.
    shuffle: Mapped[bool] = mapped_column(default=False)
    #: sha256 of what the step says (not where it is): equal across versions if unchanged, so
    #: that a learner who switches version keeps the completion of unchanged steps.
    content_hash: Mapped[str] = mapped_column(sa.String(64))

    version: Mapped[CourseVersion] = relationship()
    module: Mapped[Module] = relationship(back_populates="steps")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="step", order_by="Question.position", cascade="all, delete-orphan"
    )
    stages: Mapped[list["ScenarioStage"]] = relationship(
        back_populates="step", order_by="ScenarioStage.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Step {self.key} of version {self.version_id}>"

    @property
    def effective_pass_mark(self) -> int:
        return self.pass_mark if self.pass_mark is not None else self.version.pass_mark


class Question(db.Model):
    __tablename__ = "quiz_questions"
    __table_args__ = (
        sa.UniqueConstraint("step_id", "position"),
        sa.CheckConstraint("kind IN ('single', 'multiple', 'true_false')", name="kind_is_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("course_steps.id", ondelete="CASCADE"))
    position: Mapped[int]
    #: single: one correct choice; multiple: one or more; true_false: single on Vrai / Faux.
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: The question itself (inline Markdown, the text of its `##` heading).
    prompt_md: Mapped[str] = mapped_column(sa.Text)
    prompt_html: Mapped[str] = mapped_column(sa.Text)
    #: Optional situation given between the question and its choices.
    context_md: Mapped[str] = mapped_column(sa.Text, default="")
    context_html: Mapped[str] = mapped_column(sa.Text, default="")
    #: Shown after the learner has answered.
    explanation_md: Mapped[str] = mapped_column(sa.Text, default="")
    explanation_html: Mapped[str] = mapped_column(sa.Text, default="")

    step: Mapped[Step] = relationship(back_populates="questions")
    choices: Mapped[list["Choice"]] = relationship(
        back_populates="question", order_by="Choice.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Question {self.position} of step {self.step_id}>"


class Choice(db.Model):
    __tablename__ = "quiz_choices"
    __table_args__ = (sa.UniqueConstraint("question_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_questions.id", ondelete="CASCADE"))
    position: Mapped[int]
    #: Inline Markdown (a choice is one paragraph, rendered without <p> to fit in a <label>).
    text_md: Mapped[str] = mapped_column(sa.Text)
    text_html: Mapped[str] = mapped_column(sa.Text)
    #: Never sent to a page before the learner has submitted an answer.
    is_correct: Mapped[bool]
    #: Why this choice is right or wrong; empty when the trainer wrote none.
    feedback_md: Mapped[str] = mapped_column(sa.Text, default="")
    feedback_html: Mapped[str] = mapped_column(sa.Text, default="")

    question: Mapped[Question] = relationship(back_populates="choices")

    def __repr__(self) -> str:
        return f"<Choice {self.position} of question {self.question_id}>"


class ScenarioStage(db.Model):
    """A stage of a scenario step: a situation and its choices, or an ending and its debrief."""

    __tablename__ = "scenario_stages"
    __table_args__ = (
        sa.UniqueConstraint("step_id", "position"),
        sa.UniqueConstraint("step_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("course_steps.id", ondelete="CASCADE"))
    #: 1-based order in the file; play starts at position 1.
    position: Mapped[int]
    #: The name the choices lead to (« accueil »), unique in the scenario.
    key: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.Text)
    is_ending: Mapped[bool]
    #: The situation, or for an ending the debrief (its Markdown is in the step's body_md).
    text_html: Mapped[str] = mapped_column(sa.Text)

    step: Mapped[Step] = relationship(back_populates="stages")
    choices: Mapped[list["ScenarioChoice"]] = relationship(
        back_populates="stage", order_by="ScenarioChoice.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<ScenarioStage {self.key} of step {self.step_id}>"


class ScenarioChoice(db.Model):
    __tablename__ = "scenario_choices"
    __table_args__ = (
        sa.UniqueConstraint("stage_id", "position"),
        sa.CheckConstraint("rating IN ('best', 'acceptable', 'harmful')", name="rating_is_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("scenario_stages.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    text_html: Mapped[str] = mapped_column(sa.Text)
    #: Shown right after the decision.
    consequence_html: Mapped[str] = mapped_column(sa.Text)
    #: best, acceptable or harmful (see content/scenario.py for the points of each).
    rating: Mapped[str] = mapped_column(sa.String(20))
    #: Key of the stage this choice leads to, in the same scenario.
    next_stage: Mapped[str] = mapped_column(sa.String(40))

    stage: Mapped[ScenarioStage] = relationship(back_populates="choices")

    def __repr__(self) -> str:
        return f"<ScenarioChoice {self.position} of stage {self.stage_id}>"


class CourseAsset(db.Model):
    """An image of a version, stored in the database so that every host can serve it."""

    __tablename__ = "course_assets"
    __table_args__ = (sa.UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_versions.id", ondelete="CASCADE"))
    #: Path inside the course folder, e.g. "images/schema.png".
    path: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    #: sha256 of `data`, usable as an HTTP ETag.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)

    version: Mapped[CourseVersion] = relationship()

    def __repr__(self) -> str:
        return f"<CourseAsset {self.path} of version {self.version_id}>"
