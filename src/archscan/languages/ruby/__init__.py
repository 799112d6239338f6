"""Ruby: require, require_relative, and Rails/Zeitwerk constant-to-file conventions."""

from __future__ import annotations

from archscan.languages.base import LanguagePlugin, LanguageSpec

SPEC = LanguageSpec(
    name="ruby",
    extensions=(".rb", ".rake", ".gemspec", ".ru"),
    shebangs=("ruby", "jruby"),
    filenames=("Rakefile", "Gemfile", "Guardfile", "Capfile", "Vagrantfile"),
)


def load() -> LanguagePlugin:
    from archscan.languages.ruby.plugin import RubyPlugin

    return RubyPlugin()
