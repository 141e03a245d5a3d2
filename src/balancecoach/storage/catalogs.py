"""Loading the shipped content (question bank, metric and practice catalogs)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from balancecoach.core.content import (
    Content,
    MetricCatalog,
    PracticeCatalog,
    QuestionBank,
    RecommendationBook,
)
from balancecoach.core.errors import DataError
from balancecoach.storage.toml_read import find_line, load

FILES = {
    "questions": ("questions.toml", QuestionBank),
    "recommendations": ("recommendations.toml", RecommendationBook),
    "metrics": ("metrics.toml", MetricCatalog),
    "practices": ("practices.toml", PracticeCatalog),
}


def content_dir() -> Path:
    """`assessments/` inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "assessments"
    if installed.is_dir():
        return installed
    return package.parents[1] / "assessments"


def load_content_from(directory: Path) -> Content:
    parts = {key: load(model, directory / name) for key, (name, model) in FILES.items()}
    content = Content(**parts)
    _cross_check(content, directory)
    return content


def _cross_check(content: Content, directory: Path) -> None:
    dims = content.questions.dimensions
    path = directory / FILES["recommendations"][0]
    for i, rec in enumerate(content.recommendations.recommendation):
        if rec.dimension not in dims:
            text = path.read_text(encoding="utf-8")
            raise DataError(
                f"unknown dimension {rec.dimension!r}; expected one of {', '.join(dims)}",
                source=path,
                line=find_line(text, ("recommendation", i, "dimension")),
                field=f"recommendation[{i}].dimension",
            )


@lru_cache(maxsize=1)
def load_content() -> Content:
    """The shipped content, loaded once per process."""
    return load_content_from(content_dir())
