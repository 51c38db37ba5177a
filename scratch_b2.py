import time, numpy as np, sys
from threadpoolctl import threadpool_limits
threadpool_limits(1)
exec(open("scratch_b.py").read().split("d=prepare_design")[0])
import scratch_cd as C
from lagrangekit.linear_model._enet_solvers import prepare_design, _DUMMY_DATA,_DUMMY_INDEX
d=prepare_design(X,y,None,False)
def run(K=5, p0=10, tol=1e-6, TIN=0.3, WSM=2.0, WSA=0):
    w=np.zeros(5000); tol_abs=tol*0.5*y@y
    t=time.perf_counter()
    out=C.enet_cd_design(d.X,_DUMMY_DATA,_DUMMY_INDEX,_DUMMY_INDEX,False,d.xbar,float(n),d.col_norm2,d.y,w,n*a,0.0,False,tol_abs,100000,p0,True,K,-1,TIN,WSM,WSA)
    print(K,TIN,WSM,WSA,out, round(time.perf_counter()-t,3), gap(w,a))
run(tol=1e-2)
for kw in []:
    run(**kw)
for kw in [dict(K=10,WSM=1.2,WSA=50), dict(K=10,WSM=1.0,WSA=100),dict(K=5,WSM=1.0,WSA=100), dict(K=7,WSM=1.1,WSA=50)]:
    run(**kw)
from skglm import Lasso as GL
m=GL(alpha=a,fit_intercept=False,tol=1e-6); m.fit(X[:100],y[:100])
for _ in range(2):
    t=time.perf_counter(); m=GL(alpha=a,fit_intercept=False,tol=1e-7).fit(X,y); print("skglm",time.perf_counter()-t,gap(m.coef_,a))
# micro: epoch cost
ws=np.arange(0,5000,2)[:1500]
r=d.y.copy(); Xw=d.X
t=time.perf_counter(); 
for _ in range(10): z=Xw[:, :1500].T@r
print("numpy gemv 1500 cols x10", time.perf_counter()-t)
z=np.zeros(5000); idx=np.arange(1500)
C._correlations(Xw,_DUMMY_DATA,_DUMMY_INDEX,_DUMMY_INDEX,False,d.xbar,float(n),idx,1500,r,0.0,z)
t=time.perf_counter()
for _ in range(10): C._correlations(Xw,_DUMMY_DATA,_DUMMY_INDEX,_DUMMY_INDEX,False,d.xbar,float(n),idx,1500,r,0.0,z)
print("numba corr 1500 cols x10", time.perf_counter()-t)
