# awk -v n=N -v zone=Z: the Nth bundle of an IANA KSR/SKR (one element a
# line) as master-file records.
function val(s) { sub(/^[^>]*>/, "", s); sub(/<.*$/, "", s); return s }
function t(s) { s = substr(s, 1, 19); gsub(/[-:T]/, "", s); return s }
/<(Request|Response)Bundle / { b++ }
b != n { next }
/<TTL>/ { ttl = val($0) } /<Flags>/ { fl = val($0) } /<Algorithm>/ { alg = val($0) }
/<PublicKey>/ { pk = val($0) } /<Labels>/ { lab = val($0) } /<OriginalTTL>/ { ot = val($0) }
/<SignatureExpiration>/ { ex = t(val($0)) } /<SignatureInception>/ { inc = t(val($0)) }
/<KeyTag>/ { kt = val($0) } /<SignersName>/ { sn = val($0) } /<SignatureData>/ { sd = val($0) }
/<\/Key>/ { print zone, ttl, "IN DNSKEY", fl, 3, alg, pk }
/<\/Signature>/ { print zone, ttl, "IN RRSIG DNSKEY", alg, lab, ot, ex, inc, kt, sn, sd }
