using MemoryPack;

namespace Partisan.MemoryPackTests;

[MemoryPackable]
public partial record Order(int Id, string Customer, List<Line> Lines, Dictionary<string, decimal> Discounts);

[MemoryPackable]
public partial record Line(string Sku, int Quantity, decimal Price);

/// <summary>A recursive type: a crafted frame of it could nest until the stack overflows.</summary>
[MemoryPackable]
public partial class Chain
{
    public Chain? Next { get; set; }
}

/// <summary>Recursive through a collection.</summary>
[MemoryPackable]
public partial class Tree
{
    public List<Tree> Children { get; set; } = [];
}
