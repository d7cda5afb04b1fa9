#!/usr/bin/env python3
"""Prints an HS256 operator token for the knowledge service (secret from $HOTLINE_JWT_SECRET)."""
import base64, hashlib, hmac, json, os, time

def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

secret = os.environ["HOTLINE_JWT_SECRET"].encode()
now = int(time.time())
claims = {"sub": "bench", "role": "operator", "iss": "hotline", "aud": ["knowledge"], "exp": now + 7200, "iat": now}
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(claims).encode())
sig = hmac.new(secret, head.encode(), hashlib.sha256).digest()
print(head + "." + b64(sig))
