"""Reading the hand-written input files used by the CLI: answers and goal inputs."""

from __future__ import annotations

from pathlib import Path

from balancecoach.core.assessment import AnswersFile, statements_for
from balancecoach.core.content import Content
from balancecoach.core.errors import DataError
from balancecoach.core.goals import GoalInputs
from balancecoach.storage.toml_read import find_line, read_toml, validate


def load_answers(path: Path, content: Content) -> AnswersFile:
    """An answers file, with every statement id checked against the question bank."""
    data, text = read_toml(path)
    answers = validate(AnswersFile, data, path, text)
    asked = {s.id for s in statements_for(content, answers.item_set)}
    for i, respondent in enumerate(answers.respondent):
        for sid in respondent.answers:
            if sid in asked:
                continue
            known = sid in content.questions.by_id
            raise DataError(
                f"statement {sid!r} is not in the {answers.item_set} set"
                if known
                else f"unknown statement id {sid!r}",
                source=path,
                line=find_line(text, ("respondent", i, "answers", sid)),
                field=f"respondent[{i}].answers.{sid}",
                hint="see `balancecoach catalog questions` for the ids",
            )
    return answers


def load_goal_inputs(path: Path) -> GoalInputs:
    data, text = read_toml(path)
    return validate(GoalInputs, data, path, text)
