using System.Collections.Concurrent;

namespace Partisan;

/// <summary>
/// The functions a node exposes to RPC, by module and name (Erlang's exported functions). Handlers get
/// the argument array and return the result; an exception they throw becomes the caller's
/// <see cref="CallFailedException"/>. Thread-safe; functions can be added while the server runs.
/// </summary>
public sealed class RpcFunctions
{
    private readonly ConcurrentDictionary<(string Module, string Function), Func<object?[], ValueTask<object?>>> _functions = new();

    /// <summary>Exposes an asynchronous function.</summary>
    /// <exception cref="ArgumentException">The function is already registered.</exception>
    public void Register(string module, string function, Func<object?[], ValueTask<object?>> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(module);
        ArgumentException.ThrowIfNullOrEmpty(function);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_functions.TryAdd((module, function), handler))
        {
            throw new ArgumentException($"{module}:{function} is already registered.", nameof(function));
        }
    }

    /// <summary>Exposes a synchronous function.</summary>
    public void Register(string module, string function, Func<object?[], object?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(module, function, args => ValueTask.FromResult(handler(args)));
    }

    /// <summary>Removes a function; false if it was not registered.</summary>
    public bool Unregister(string module, string function) => _functions.TryRemove((module, function), out _);

    /// <summary>Looks a function up.</summary>
    public bool TryGet(string module, string function, out Func<object?[], ValueTask<object?>> handler) =>
        _functions.TryGetValue((module, function), out handler!);
}
