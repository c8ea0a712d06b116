"""sqlfluff plugin: the jinja templater, compiling each macro file once per lint process.

sqlfluff's jinja templater loads every file of ``load_macros_from_path`` (macros/) for every
file it lints, twice (a first pass for the names, a second with late bindings), and Jinja's
parse and code generation of those ~120 macro templates is most of a file's lint time: about
1.6 of 2.5 seconds for a small model, half of the whole project's lint.

``jinja_cached`` (``templater = jinja_cached`` in .sqlfluff, options under
``[sqlfluff:templater:jinja_cached]``) is that templater with one change: the compiled code of a
macro template is kept, keyed by its text and the environment's settings, and a fresh module is
made from it each time with that file's globals, as Jinja's own ``from_string`` does after
compiling. So every linted file still gets its own macros bound to its own context; only the
identical compile work is not repeated. Registered through the ``sqlfluff`` entry point in
pyproject.toml; linting only, dbt never reads it.

Using the templater also keeps the reflow sequence of the last parse tree the layout rules
asked for (``_keep_last_reflow_sequence``): LT01, LT02, LT05 and LT14 each build
``ReflowSequence.from_root`` of the whole file, the same sequence four times (a map of every raw
segment's ancestors and a block with its spacing configuration per segment), a quarter of the
lint time. sqlfluff's trees are immutable once parsed, and so are the sequences: their elements
are frozen dataclasses, and every method (respace, reindent, rebreak, break_long_lines) returns
a new sequence made from a copy of the elements. So the sequence of the same root object and
configuration object is the same sequence; a fix makes a new root, and a new sequence.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment
from jinja2.exceptions import UndefinedError
from jinja2.runtime import Macro
from sqlfluff.core.plugin import hookimpl
from sqlfluff.core.templaters.jinja import DbtMacroWrapper, JinjaTemplater
from sqlfluff.utils.reflow.sequence import ReflowSequence

_COMPILED: dict[tuple, Any] = {}


def _environment_key(env: Environment) -> tuple:
    """What a compiled template depends on besides its text (the syntax and the extensions)."""
    return (type(env), env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string,
            env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
            env.newline_sequence, env.keep_trailing_newline, tuple(sorted(env.extensions)),
            env.optimized, env.autoescape if not callable(env.autoescape) else id(env.autoescape))


def _keep_last_reflow_sequence() -> None:
    """``ReflowSequence.from_root`` returning the sequence it made last when asked again for the
    same root and configuration objects (see the module doc); installed once per process."""
    if getattr(ReflowSequence.from_root, "keeps_last", False):
        return
    make = ReflowSequence.from_root.__func__
    last: list[Any] = [None, None, None]

    def from_root(cls: type[ReflowSequence], root_segment: Any, config: Any) -> ReflowSequence:
        if last[0] is not root_segment or last[1] is not config:
            last[:] = [root_segment, config, make(cls, root_segment, config)]
        return last[2]

    from_root.keeps_last = True  # type: ignore[attr-defined]
    ReflowSequence.from_root = classmethod(from_root)  # type: ignore[method-assign,assignment]


class CachedJinjaTemplater(JinjaTemplater):
    """JinjaTemplater whose macro files are compiled once per process (see the module doc)."""

    name = "jinja_cached"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _keep_last_reflow_sequence()

    @staticmethod
    def _extract_macros_from_template(template: str, env: Environment,
                                      ctx: dict[str, Any]) -> dict[str, DbtMacroWrapper]:
        key = (template, _environment_key(env))
        code = _COMPILED.get(key)
        if code is None:
            code = _COMPILED[key] = env.compile(template)  # raises TemplateSyntaxError as before
        macro_template = env.template_class.from_code(env, code, env.make_globals(ctx))
        context: dict[str, DbtMacroWrapper] = {}
        try:
            for name in macro_template.module.__dict__:
                attr = getattr(macro_template.module, name)
                if isinstance(attr, Macro):
                    context[name] = DbtMacroWrapper(attr)
        except UndefinedError:
            pass  # a macro file that references an undefined variable: as the base templater
        return context


@hookimpl
def get_templaters() -> list[type[JinjaTemplater]]:
    return [CachedJinjaTemplater]
