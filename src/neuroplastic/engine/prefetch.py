"""A software prefetch for the generated loop: ``prefetch(a, i)`` asks the
processor to bring the cache line of ``a[i]`` close (LLVM's ``llvm.prefetch``:
a read, high temporal locality, into the data cache). It computes nothing and
changes no value, so results stay the same bit for bit; only the time of a later
load of ``a[i]`` changes.

Used by the postsynaptic column walk (engine/codegen.py): a rule's per-synapse
state that its ``on_post`` reads at scattered synapse indices
(``Rule.prefetch_on_post``) is prefetched in the walk's gather pass, whose loop
calls nothing, so that the misses overlap; in the rule's pass every miss waited
behind the previous synapse's ``exp()`` (benchmarks/MEASURED.md, zenke2015).
"""
from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def prefetch(typingctx, arr, idx):
    """Prefetch the element ``arr[idx]`` (1-D array, integer index in range)."""
    if not isinstance(arr, types.Array) or arr.ndim != 1 or not isinstance(idx, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]], wraparound=False)
        i32, byte_ptr = ir.IntType(32), ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        builder.call(fn, [builder.bitcast(ptr, byte_ptr), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.void(arr, idx), codegen
