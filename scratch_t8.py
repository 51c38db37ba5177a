import numpy as np, time, scipy.sparse as sp
import sys; sys.path.insert(0,"tests")
from test_lasso import *
X, y = correlated_data(n=80, p=12, seed=10)
from sklearn.model_selection import KFold
ours = ElasticNetCV(l1_ratio=[0.2], cv=3, n_alphas=20, tol=1e-10).fit(X, y)
tr,te=next(iter(KFold(3).split(X)))
a=ours.alphas_[0,2]
for tol in [1e-10,1e-14]:
    m=ElasticNet(alpha=a,l1_ratio=0.2,tol=tol,max_iter=10**6).fit(X[tr],y[tr]); print(tol, np.mean((y[te]-m.predict(X[te]))**2), m.dual_gap_, m.n_iter_)
r=sk.ElasticNet(alpha=a,l1_ratio=0.2,tol=1e-12,max_iter=10**6).fit(X[tr],y[tr]); print("sk", np.mean((y[te]-r.predict(X[te]))**2), ours.mse_path_[0,2,0])
r=sk.ElasticNet(alpha=a,l1_ratio=0.2,tol=1e-12,max_iter=10**6,precompute=True).fit(X[tr],y[tr]); print("sk", np.mean((y[te]-r.predict(X[te]))**2))
# sparse slow test
X, y = correlated_data()
X = sp.csc_matrix(X * (np.random.default_rng(1).random(X.shape) < 0.4))
sw=WEIGHTS
alpha = centred_alpha_max(X, y, sw, 1.0, True, True) / 15
t=time.perf_counter(); ElasticNet(alpha=alpha,l1_ratio=1.0,positive=True,tol=1e-13,max_iter=100000).fit(X,y,sample_weight=sw); print("ours", time.perf_counter()-t)
t=time.perf_counter(); sk.ElasticNet(alpha=alpha,l1_ratio=1.0,positive=True,tol=1e-14,max_iter=100000).fit(X,y,sample_weight=sw); print("sk", time.perf_counter()-t)
for pos in [False, True]:
  for sw_ in [None, sw]:
    for Xin in [X, X.toarray()]:
        m=ElasticNet(alpha=alpha,l1_ratio=1.0,positive=pos,tol=1e-13,max_iter=100000, precompute=False)
        t=time.perf_counter(); m.fit(Xin,y,sample_weight=sw_); print(pos, sw_ is None, sp.issparse(Xin), time.perf_counter()-t, m.n_iter_, m.dual_gap_)
