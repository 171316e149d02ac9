"""Makes a traced module run on whatever device its inputs are on.

``torch.jit.trace`` records every device argument it sees (``zeros(..., device=x.device)``,
``x.to(y.device)``, ``arange(..., device=...)``) as a constant of the tracing device, so a
module traced on the CPU would create CPU tensors when run on a GPU. This pass replaces each
such constant with the device of the traced method's first tensor input, which is where the
runtime puts the module's inputs.
"""

import torch

from endoreward_export.errors import ExportError


def make_device_portable(traced: torch.jit.ScriptModule) -> int:
    """Rewrites the device constants of every method graph of ``traced`` in place; returns how many."""
    rewritten = 0
    for module, graph in _method_graphs(traced):
        constants = [node for node in graph.nodes()
                     if node.kind() == "prim::Constant" and node.output().type().kind() == "DeviceObjType"]
        if not constants:
            continue
        tensor_inputs = [value for value in graph.inputs() if value.type().kind() == "TensorType"]
        if not tensor_inputs:
            raise ExportError.because(
                f"traced module {module.original_name} pins a device but has no tensor input to take it from")
        device = graph.create("prim::device", [tensor_inputs[0]])
        device.output().setType(torch._C.DeviceObjType.get())
        device.insertBefore(next(iter(graph.nodes())))
        for constant in constants:
            constant.output().replaceAllUsesWith(device.output())
            constant.destroy()
            rewritten += 1
    for module, graph in _method_graphs(traced):
        if "Device = prim::Constant" in str(graph):
            raise ExportError.because(f"traced module {module.original_name} pins a device inside a nested block")
    return rewritten


def _method_graphs(traced: torch.jit.ScriptModule):
    """(module, graph) of every method of ``traced`` and its submodules (submodules the trace never called have none)."""
    return [(module, module._c._get_method(name).graph)
            for module in traced.modules() for name in module._c._method_names()]
