using Partisan;

namespace PackageCheck;

/// <summary>The README's counter, compiled by the generator that ships in the Partisan package.</summary>
[PartisanServer]
public partial class Counter
{
    private long _value;

    [Call] public long Add(long by) => _value += by;

    [Call] public long Get() => _value;

    [Cast] public void Reset() => _value = 0;
}
