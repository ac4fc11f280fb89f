"""A prefetch for the generated loop: ``prefetch(a, i)`` loads ``a[i]`` and keeps
the load (an empty inline-assembly statement takes the value), so that its cache
line is brought close; it computes nothing and changes no value, so results stay
the same bit for bit; only the time of a later load of ``a[i]`` changes.

Used by the postsynaptic column walk (engine/codegen.py): a rule's per-synapse
state that its ``on_post`` reads at scattered synapse indices
(``Rule.prefetch_on_post``) is loaded in the walk's gather pass, whose loop calls
nothing, so that the cache misses overlap; in the rule's pass every miss waited
behind the previous synapse's ``exp()``. A load rather than the processor's
prefetch instruction (LLVM ``llvm.prefetch``), which the full-scale zenke2015
network ran slower with (benchmarks/MEASURED.md): a prefetch instruction may be
dropped, a load is not.
"""
from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def prefetch(typingctx, arr, idx):
    """Load ``arr[idx]`` (1-D array, integer index in range) and discard the value."""
    if not isinstance(arr, types.Array) or arr.ndim != 1 or not isinstance(idx, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]], wraparound=False)
        value = builder.load(ptr)
        keep = ir.InlineAsm(ir.FunctionType(ir.VoidType(), [value.type]), "", "x", side_effect=True)
        builder.call(keep, [value])
        return context.get_dummy_value()

    return types.void(arr, idx), codegen
