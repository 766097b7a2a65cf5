/// Builds the `x_start` parameter list (`upstream-vma.md` §1.6, `upstream-l7r-protocol.md` §10
/// step 7). Later sources win: the client's `qvd.client.*`/`custom.*` < the VM's properties <
/// `qvd.vm.user.name` < `qvd.slave.key`. A key set again moves to its last source's place.
/// (Upstream also sends `auth_token` and `host_address`; the stub has no token store and
/// leaves them out.)
public enum L7RXStartParameters {
    public static func merge(client: [L7RParameter], vmProperties: [(key: String, value: String)],
                             login: String, slaveKey: String) -> [L7RParameter] {
        var merged: [L7RParameter] = []
        func set(_ name: String, _ value: String) {
            merged.removeAll { $0.name == name }
            merged.append(L7RParameter(name, value))
        }
        for parameter in client { set(parameter.name, parameter.value) }
        for property in vmProperties { set(property.key, property.value) }
        set("qvd.vm.user.name", login)
        set("qvd.slave.key", slaveKey)
        return merged
    }
}
