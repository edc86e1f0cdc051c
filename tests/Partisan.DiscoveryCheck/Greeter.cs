namespace Partisan.DiscoveryCheck;

/// <summary>The server each node runs; the check passes when each node has called the other's.</summary>
[PartisanServer]
public partial class Greeter
{
    private int _calls;

    [Call] public string Hello(string from)
    {
        _calls++;
        return "hello " + from;
    }

    [Call] public int Calls() => _calls;
}
