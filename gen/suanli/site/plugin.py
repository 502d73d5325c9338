"""The MkDocs plugin `suanli`: the site's one tie to MkDocs. Each event method only adapts: the work is
a per-build object's (site/build.py), and what outlives a build is the session's (site/session.py).

    plugins:
      - suanli:
          data_dir: !ENV [SUANLI_DATA, data]            # the data folder (relative: to mkdocs.yml's folder)
          cache_dir: !ENV [SUANLI_CACHE, .cache/suanli]  # the generator's cache folder, or "off"

The gen-files script gets the pages from the plugin's current build (`current_build`), through the config
gen-files hands it. on_config runs first (priority 100): it validates the data before MkDocs touches the
site folder, so bad data stops the build with the previous site left as it was, and it runs before
Material's search plugin reads its jieba options.

MkDocs keeps this plugin's instance for the whole of `serve` (it has `on_startup`), and this module is
never imported again. Under `serve` the rest of the generator is imported afresh at the start of each
build whose source changed, so a running preview always runs the code under gen/suanli/ (an edit of this
module or of site/session.py needs a restart).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from jinja2 import Environment
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from suanli.site.session import Session

if TYPE_CHECKING:
    from suanli.errors import DataErrors
    from suanli.settings import Settings
    from suanli.site.build import Build

NAME = "suanli"
# What outlives the generator's reload: this module (MkDocs holds its plugin instance) and the session.
STABLE = frozenset({__name__, "suanli.site.session"})


class SuanliConfig(base.Config):  # type: ignore[no-untyped-call]  # MkDocs' Config.__init_subclass__ is unannotated
    data_dir = c.Type(str, default="data")  # not `data`: a Config keeps its items in `.data`
    # a folder, or off: !ENV parses its value as YAML, where a bare `off` is the boolean false
    cache_dir = c.Type[str | bool]((str, bool), default=".cache/suanli")


class SuanliPlugin(BasePlugin[SuanliConfig]):  # type: ignore[no-untyped-call]  # as is BasePlugin's
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.session = Session()
        self.build: Build | None = None  # the build in progress, or the last one (until the next on_config)

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.session.serving = command == "serve"
        self.session.dirty = command == "serve" and dirty

    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        code = _current_generator(self.session)
        # the generator's classes as imported now (after a reload, not the ones this module saw first)
        settings_type: type[Settings] = import_module("suanli.settings").Settings
        build_type: type[Build] = import_module("suanli.site.build").Build
        data_errors: type[DataErrors] = import_module("suanli.errors").DataErrors
        settings = settings_type.from_plugin(
            Path(config.config_file_path).parent, self.config.data_dir, self.config.cache_dir, config.site_url or ""
        )
        self.build = build_type(settings, self.session, code)
        try:
            self.build.configure(config)
        except data_errors as exc:
            raise PluginError(exc.report()) from None
        return config

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: object) -> LiveReloadServer:
        self._current().serve(server)
        return server

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        return self._current().add_files(files, config)

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._current().plan(nav, files, config)
        return nav

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        self._current().prepare_pages(env, config)
        return env

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page:
        self._current().incremental.render_page(page)  # Markdown to HTML, until on_page_content
        return page

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self._current().page_content(html, page)

    @event_priority(-50)  # after Material's search plugin has indexed the page (its on_page_context, priority 0)
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        build = self._current()
        build.incremental.render_page(page)  # the theme's template, until on_post_page
        build.index_search_fields(page, config)
        return context

    @event_priority(-100)  # last: the policy hashes the page's final inline scripts
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        return self._current().post_page(output, page)

    @event_priority(-100)
    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        """Every page rendered from a theme template alone (404.html) gets its policy too; not the sitemap."""
        return self._current().post_template(output_content, template_name)

    @event_priority(50)  # before Material's search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._current().finish(config)

    def on_build_error(self, *, error: Exception) -> None:
        # also after on_post_build: strict mode's Abort comes once the site folder is whole
        if self.build is not None:
            self.build.fail(error)

    def _current(self) -> Build:
        if self.build is None:
            raise PluginError("the suanli plugin has no build in progress: its on_config did not run")
        return self.build


def current_build(config: MkDocsConfig) -> Build:
    """The build in progress of the site `config` configures (for the gen-files script)."""
    plugin = config.plugins.get(NAME)
    if not isinstance(plugin, SuanliPlugin):
        raise PluginError(f"mkdocs.yml lists no `{NAME}` plugin: the generated pages come from it")
    return plugin._current()


def _current_generator(session: Session) -> bytes:
    """The digest of the generator's source, after importing the generator afresh if that source changed
    since this process imported it (dropping every `suanli` module but the stable ones) and starting the
    session on it."""
    digest: Callable[[], bytes] = import_module("suanli.source").source_digest
    code = digest()
    if session.code and code != session.code:
        for name in [n for n in sys.modules if (n == "suanli" or n.startswith("suanli.")) and n not in STABLE]:
            del sys.modules[name]
    session.start_code(code)
    return code
