def eigh(*a, **k): raise NotImplementedError
eigvalsh = eigh_tridiagonal = eigvalsh_tridiagonal = eigh
