"""Finding a pack's generators: `module.function` names a function in generators/module.py."""

import hashlib
import importlib.util
import re
from pathlib import Path
from types import ModuleType

from gradquiz.core.variants import VariantSource

_NAME = re.compile(r"^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$")


class GeneratorModules:
    """Imports the modules of one pack's generators/ folder, each once, on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
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
        module = self._module(match.group(1))
        if isinstance(module, str):
            return module
        function = getattr(module, match.group(2), None)
        if not callable(function):
            return f"generators/{match.group(1)}.py has no function '{match.group(2)}'"
        self.found[name] = VariantSource(name=name, generate=function)
        return self.found[name]

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
