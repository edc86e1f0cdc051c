using Partisan.Generated.Tests.Shop;

namespace Partisan.Generated.Tests.Rpc;

/// <summary>The brief's calculator: every return shape.</summary>
[PartisanRpc]
public interface ICalculator
{
    Task<int> AddAsync(int a, int b);

    /// <summary>The token is not sent: it cancels the caller's wait.</summary>
    ValueTask<string> EchoAsync(string text, CancellationToken cancellationToken);

    /// <summary>Waits for completion; no value.</summary>
    Task ResetAsync();

    /// <summary>A cast: fire and forget.</summary>
    void Log(string line);

    Task<int> FailAsync(string why);

    Task<string> WhereAsync();
}

/// <summary>Enums (sent as their underlying integer), nullables, generated messages and collections.</summary>
[PartisanRpc]
public interface ICatalog
{
    Task<Color> MixAsync(Color first, Color? second);

    Task<Address?> FindAsync(string city, int? limit);

    ValueTask<List<Address>> AllAsync(string[] cities, Dictionary<string, int>? weights);
}

/// <summary>Not marked [PartisanRpc]: it has no stub.</summary>
public interface INotAnRpcInterface
{
    Task<int> NothingAsync();
}

/// <summary>The implementation the tests bind; it reports what it was asked through signals the tests await.</summary>
public sealed class Calculator(string name) : ICalculator
{
    public TaskCompletionSource<string> Logged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource ResetEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource ResetGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool ResetDone { get; private set; }

    public int Adds;

    public Task<int> AddAsync(int a, int b)
    {
        Interlocked.Increment(ref Adds);
        return Task.FromResult(a + b);
    }

    public ValueTask<string> EchoAsync(string text, CancellationToken cancellationToken) => ValueTask.FromResult(text + "@" + name);

    public async Task ResetAsync()
    {
        ResetEntered.TrySetResult();
        await ResetGate.Task;
        ResetDone = true;
    }

    public void Log(string line) => Logged.TrySetResult(line);

    public Task<int> FailAsync(string why) => throw new InvalidOperationException(why);

    public Task<string> WhereAsync() => Task.FromResult(name);
}

public sealed class CatalogService : ICatalog
{
    public Task<Color> MixAsync(Color first, Color? second) => Task.FromResult(second is null ? first : (Color)Math.Max((byte)first, (byte)second.Value));

    public Task<Address?> FindAsync(string city, int? limit) =>
        Task.FromResult(city == "nowhere" ? null : new Address(city, "Main St " + (limit ?? 0)));

    public ValueTask<List<Address>> AllAsync(string[] cities, Dictionary<string, int>? weights) =>
        ValueTask.FromResult(cities.Select(c => new Address(c, (weights?.GetValueOrDefault(c) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList());
}
