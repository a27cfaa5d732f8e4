"""Finding a pack's generators: `module.function` names a function in generators/module.py."""

import hashlib
import importlib.util
import random
import re
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

import gradquiz
from gradquiz import __version__
from gradquiz.core.variants import Generator, Variant, VariantReserve, VariantSource

# What gives a generator, by name, the reserve of variants drawn ahead for it (if any).
Reserves = Callable[[str], VariantReserve | None]

# The core modules a variant's drawing, checking and options go through.
TOOLKIT_CORE = ("variants.py", "option_spacing.py", "typed_numbers.py", "questions.py")
_NAME = re.compile(r"^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$")


class GeneratorModules:
    """Imports the modules of one pack's generators/ folder, each once, on first use.

    With `deferred`, finding a generator only checks that its file exists; the module is
    imported when the generator first runs. A server starts without importing sympy or
    compiling keys, and warms them up once it answers (`gradquiz check` imports everything).
    A server passes `reserves`, so each generator hands out the variants drawn ahead for it
    (see `services.variant_pool`); no variant is ever shipped in the pack.
    """

    def __init__(
        self, folder: Path, *, deferred: bool = False, reserves: Reserves | None = None
    ) -> None:
        self.folder = folder
        self.deferred = deferred
        self._reserves = reserves
        self._lock = threading.Lock()
        self._prefix = (
            "gradquiz_pack_" + hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:12]
        )
        self._modules: dict[str, ModuleType | str] = {}
        self.found: dict[str, VariantSource] = {}

    def find(self, name: str) -> VariantSource | str:
        """The generator called `name`, or a sentence saying why there is none."""
        if name in self.found:
            return self.found[name]
        match = _NAME.match(name)
        if not match:
            return "expected 'module.function', such as 'neuron.dl_dw'"
        if self.deferred:
            if not (self.folder / f"{match.group(1)}.py").is_file():
                return f"there is no file generators/{match.group(1)}.py"
            self.found[name] = VariantSource(
                name=name,
                generate=_Deferred(self, name),
                reserve=self._reserve(name),
                fingerprint=self._fingerprint(match.group(1)),
            )
            return self.found[name]
        return self._import(name)

    def function(self, name: str) -> Generator:
        """The generator function itself, imported now if it was deferred."""
        with self._lock:
            found = self._import(name)
        if isinstance(found, str):
            raise RuntimeError(f"generator '{name}': {found}")
        return found.generate

    def _import(self, name: str) -> VariantSource | str:
        match = _NAME.match(name)
        assert match is not None
        module = self._module(match.group(1))
        if isinstance(module, str):
            return module
        function = getattr(module, match.group(2), None)
        if not callable(function):
            return f"generators/{match.group(1)}.py has no function '{match.group(2)}'"
        return VariantSource(
            name=name,
            generate=function,
            reserve=self._reserve(name),
            fingerprint=self._fingerprint(match.group(1)),
        )

    def _fingerprint(self, stem: str) -> str:
        """The generator file's text, gradquiz's version and its generator toolkit's code,
        hashed: a toolkit that rejects other draws (a working copy between releases too)
        makes other variants of the same seeds."""
        text = (self.folder / f"{stem}.py").read_bytes()
        return hashlib.sha256(_toolkit() + b"\0" + text).hexdigest()[:32]

    def _reserve(self, name: str) -> VariantReserve | None:
        return self._reserves(name) if self._reserves is not None else None

    def _module(self, stem: str) -> ModuleType | str:
        if stem not in self._modules:
            self._modules[stem] = self._load(stem)
        return self._modules[stem]

    def _load(self, stem: str) -> ModuleType | str:
        path = self.folder / f"{stem}.py"
        if not path.is_file():
            return f"there is no file generators/{stem}.py"
        spec = importlib.util.spec_from_file_location(f"{self._prefix}.{stem}", path)
        if spec is None or spec.loader is None:
            return f"generators/{stem}.py cannot be imported"
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as error:  # a pack's own code: report any failure as a problem
            return f"importing generators/{stem}.py failed: {type(error).__name__}: {error}"
        return module


@cache
def _toolkit() -> bytes:
    """gradquiz's version and the text of the code every generator's variants go through."""
    package = Path(gradquiz.__file__).parent
    sources = sorted((package / "generators").glob("*.py")) + [
        package / "core" / name for name in TOOLKIT_CORE
    ]
    return __version__.encode() + b"".join(b"\0" + path.read_bytes() for path in sources)


class _Deferred:
    """A generator whose module is imported on its first call."""

    def __init__(self, modules: GeneratorModules, name: str) -> None:
        self.modules = modules
        self.__name__ = name
        self._function: Generator | None = None

    def __call__(self, rng: random.Random) -> Variant:
        if self._function is None:
            self._function = self.modules.function(self.__name__)
        return self._function(rng)
