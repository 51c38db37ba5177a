import time, numpy as np, sys
from threadpoolctl import threadpool_limits
threadpool_limits(1)
sys.path.insert(0,"benchmarks")
from lasso import load_case
X,y=load_case("c")
from lagrangekit.linear_model._ridge_stats import gram_form
Y=y[:,None]
def A(): return X.T@X
def B(): return gram_form(X,Y,None,True)
def C():
    G=X.T@X; M=X.T@np.column_stack([np.ones(len(y)),y]); return G,M
def D(rows=16384):
    G=np.zeros((100,100)); M=np.zeros((100,2)); Z=np.column_stack([np.ones(len(y)),y])
    for s in range(0,len(y),rows):
        b=X[s:s+rows]; G+=b.T@b; M+=b.T@Z[s:s+rows]
    return G,M
fs=dict(A=A,B=B,C=C,D=D)
res={k:[] for k in fs}
for _ in range(5):
    for k,f in fs.items():
        t=time.perf_counter(); f(); res[k].append(time.perf_counter()-t)
for k in fs: print(k, np.median(res[k]), np.median(res[k])/np.median(res["A"]))
