import sys, time
sys.path.insert(0, "/tmp/nbt")
from sklearn.datasets import load_diabetes
X, y = load_diabetes(return_X_y=True)
import numpy as np
T=time.process_time
t0=T(); import numba; t1=T(); import triv; triv.f(1.0); t2=T()
from lagrangekit.linear_model import Lasso
import lagrangekit.linear_model._cd
t3=T(); Lasso().fit(X,y); t4=T(); Lasso().fit(X,y); t5=T()
print(f"numba import {t1-t0:.3f} trivial cached call {t2-t1:.3f} lk import {t3-t2:.3f} first fit {t4-t3:.3f} warm {t5-t4:.4f}")
