import numpy as np, scipy.sparse as sp, warnings
from sklearn.utils import shuffle
from sklearn.model_selection import LeaveOneGroupOut
from lagrangekit.linear_model import LassoCV, Lasso
rng = np.random.RandomState(42); n=15
X = rng.rand(n, n * 2); y = rng.randint(0, 3, size=n).astype(float); sw = rng.randint(0, 5, size=n)
Xr = X.repeat(sw, axis=0); yr = y.repeat(sw)
Xw, yw, sww = shuffle(X, y, sw, random_state=0)
gw = np.hstack([np.zeros(n), np.ones(n), 2*np.ones(n)]); sww = np.hstack([sww, np.ones(n), np.ones(n)])
Xw = np.vstack([Xw, X, X]); yw = np.hstack([yw, y, y])
gr = np.hstack([np.zeros(len(yr)), np.ones(n), 2*np.ones(n)]); Xr = np.vstack([Xr, X, X]); yr = np.hstack([yr, y, y])
for cont in [np.asarray, sp.csc_matrix]:
    with warnings.catch_warnings(record=True) as wl:
        warnings.simplefilter("always")
        a = LassoCV(n_alphas=10, cv=list(LeaveOneGroupOut().split(Xw, groups=gw)), tol=1e-10).fit(cont(Xw), yw, sample_weight=sww)
        b = LassoCV(n_alphas=10, cv=list(LeaveOneGroupOut().split(Xr, groups=gr)), tol=1e-10).fit(cont(Xr), yr)
    print(a.alpha_, b.alpha_, np.abs(a.coef_-b.coef_).max(), a.dual_gap_, b.dual_gap_, a.n_iter_, b.n_iter_, [str(w.message)[:80] for w in wl])
    print(np.abs(a.mse_path_-b.mse_path_).max())
    m1=Lasso(alpha=a.alpha_, tol=1e-12, max_iter=100000).fit(cont(Xw), yw, sample_weight=sww); m2=Lasso(alpha=a.alpha_, tol=1e-12,max_iter=100000).fit(cont(Xr), yr)
    print("lasso", np.abs(m1.coef_-m2.coef_).max(), m1.n_iter_, m2.n_iter_)
