import time, numpy as np, sys
from threadpoolctl import threadpool_limits
threadpool_limits(1)
sys.path.insert(0,"benchmarks")
from lasso import load_case
X,y=load_case("c")
from lagrangekit.linear_model import Lasso, lasso_path
amax=np.abs(X.T@y).max()/len(y)
Lasso(alpha=amax/20,fit_intercept=False).fit(X[:1000],y[:1000])
fs=dict(A=lambda: X.T@X, f20=lambda: Lasso(alpha=amax/20,fit_intercept=False).fit(X,y), f100=lambda: Lasso(alpha=amax/100,fit_intercept=False).fit(X,y),
 path=lambda: lasso_path(X,y))
res={k:[] for k in fs}
for _ in range(5):
    for k,f in fs.items():
        t=time.perf_counter(); f(); res[k].append(time.perf_counter()-t)
for k in fs: print(k, np.median(res[k]), np.median(res[k])/np.median(res["A"]))
