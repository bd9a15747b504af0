namespace HarmonyLite.Nats.Connection;

/// <summary>The configured servers plus those discovered from INFO connect_urls, in connection order.</summary>
internal sealed class ServerPool
{
    private readonly object _sync = new();
    private readonly List<ServerAddress> _servers = new();
    private readonly bool _randomize;

    public ServerPool(IEnumerable<string> urls, bool randomize)
    {
        _randomize = randomize;
        foreach (var url in urls)
        {
            var address = ServerAddress.Parse(url);
            if (!_servers.Any(s => s.Endpoint == address.Endpoint)) _servers.Add(address);
        }
    }

    /// <summary>Every known server, configured first.</summary>
    public IReadOnlyList<ServerAddress> Servers
    {
        get { lock (_sync) return _servers.ToArray(); }
    }

    /// <summary>Adds servers the cluster announced; returns the ones that were new.</summary>
    public IReadOnlyList<ServerAddress> AddDiscovered(IEnumerable<string> connectUrls, bool tls)
    {
        var added = new List<ServerAddress>();
        lock (_sync)
        {
            foreach (var url in connectUrls)
            {
                ServerAddress address;
                try { address = ServerAddress.Parse((tls ? "tls://" : "nats://") + url, discovered: true); }
                catch (ArgumentException) { continue; } // a server announcing nonsense must not break the client
                if (_servers.Any(s => s.Endpoint == address.Endpoint)) continue;
                _servers.Add(address);
                added.Add(address);
            }
        }
        return added;
    }

    /// <summary>The order of one round of attempts: the list as given, or shuffled, with the server last used moved to the end.</summary>
    public IReadOnlyList<ServerAddress> RoundOrder(ServerAddress? lastUsed)
    {
        List<ServerAddress> order;
        lock (_sync) order = _servers.ToList();
        if (_randomize) Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(order));
        if (lastUsed is not null && order.Count > 1)
        {
            var index = order.FindIndex(s => s.Endpoint == lastUsed.Endpoint);
            if (index >= 0)
            {
                var last = order[index];
                order.RemoveAt(index);
                order.Add(last);
            }
        }
        return order;
    }

    /// <summary>Credentials from the first configured URL that has any, used for discovered servers.</summary>
    public ServerAddress? FirstWithCredentials()
    {
        lock (_sync) return _servers.FirstOrDefault(s => !s.IsDiscovered && (s.User is not null || s.Token is not null));
    }
}
