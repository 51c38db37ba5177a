import time, numpy as np, sys
from threadpoolctl import threadpool_limits
threadpool_limits(1)
from lagrangekit.linear_model._enet_solvers import *
def ar1(n,p,k,seed,rho=0.5,snr=3):
    rng=np.random.default_rng(seed)
    X=np.empty((n,p)); X[:,0]=rng.standard_normal(n)
    for j in range(1,p): X[:,j]=rho*X[:,j-1]+np.sqrt(1-rho**2)*rng.standard_normal(n)
    w=np.zeros(p); idx=rng.choice(p,k,replace=False); w[idx]=rng.choice([-1,1],k)*rng.uniform(1,2,k)
    s=X@w; sigma=np.linalg.norm(s)/(np.sqrt(n)*snr); y=s+sigma*rng.standard_normal(n)
    return X,y
X,y=ar1(2000,5000,50,0)
X=X-X.mean(0); y=y-y.mean()
n=X.shape[0]
def gap(w,a):
    r=y-X@w; z=X.T@r; s=min(1,n*a/np.abs(z).max())
    P=0.5*r@r/n+a*np.abs(w).sum(); D=(s*y@r-0.5*s*s*r@r)/n
    return (P-D)/(0.5*y@y/n)
amax=np.abs(X.T@y).max()/n
div=float(sys.argv[1]) if len(sys.argv)>1 else 100
a=amax/div
d=prepare_design(X,y,None,False)
enet_path_design(d,[a],tol=1e-2)
for tol in [1e-6]:
    t=time.perf_counter(); sol=enet_path_design(d,[a],tol=tol,max_iter=100000); el=time.perf_counter()-t
    print("ours",tol,el,sol.n_iter,gap(sol.coefs[0],a), np.count_nonzero(sol.coefs[0]))
t=time.perf_counter(); d=prepare_design(X,y,None,False); print("prep",time.perf_counter()-t)
from skglm import Lasso as GL
m=GL(alpha=a,fit_intercept=False,tol=1e-6*0.5*y@y/n if False else 1e-6)
m.fit(X[:100],y[:100])
t=time.perf_counter(); m=GL(alpha=a,fit_intercept=False,tol=1e-7).fit(X,y); print("skglm",time.perf_counter()-t,gap(m.coef_,a))
from sklearn.linear_model import Lasso
t=time.perf_counter(); m=Lasso(alpha=a,fit_intercept=False,tol=1e-6).fit(X,y); print("sklearn",time.perf_counter()-t,gap(m.coef_,a))
