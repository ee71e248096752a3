# Regenerates the NumPy-written fixtures used by VectorFilesInteropTest (NumPy 2.x).
# Values are exact in float32: element k of an array is k * 0.25 - 1.
import numpy as np

def values(n, d, dtype):
    return (np.arange(n * d, dtype=np.float64) * 0.25 - 1).reshape(n, d).astype(dtype)

np.save("numpy_f32.npy", values(5, 3, "<f4"))
np.save("numpy_f64_be.npy", values(4, 2, ">f8"))
np.save("numpy_one_vector.npy", values(1, 6, "<f4").reshape(6))
np.savez("numpy_savez.npz", train=values(4, 3, "<f4"), query=values(2, 3, "<f8"))
np.savez_compressed("numpy_savez_compressed.npz", train=values(4, 3, "<f4"),
                    query=values(2, 3, "<f8"))
# numpy_f32.npy.xz and numpy_f32.npy.zst: `xz -k numpy_f32.npy`, `zstd -k numpy_f32.npy`
