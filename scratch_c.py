import time, numpy as np, sys
from threadpoolctl import threadpool_limits
threadpool_limits(1)
sys.path.insert(0,"benchmarks")
from lasso import load_case
X,y=load_case("c")
from lagrangekit.linear_model import Lasso
from lagrangekit.linear_model._enet_solvers import gram_statistics
from lagrangekit.linear_model._preprocessing import validate_fit_data
amax=np.abs(X.T@y).max()/len(y)
Lasso(alpha=amax/20,fit_intercept=False).fit(X[:1000],y[:1000])
def tm(f,k=5):
    ts=[]
    for _ in range(k):
        t=time.perf_counter(); f(); ts.append(time.perf_counter()-t)
    return np.median(ts)
print("XtX", tm(lambda: X.T@X))
print("validate", tm(lambda: validate_fit_data(Lasso(), X, y, None)))
print("gram_stats", tm(lambda: gram_statistics(X,y,None,False)))
print("fit20", tm(lambda: Lasso(alpha=amax/20,fit_intercept=False).fit(X,y)))
print("fit100", tm(lambda: Lasso(alpha=amax/100,fit_intercept=False).fit(X,y)))
print("fit100 intercept", tm(lambda: Lasso(alpha=amax/100).fit(X,y)))
