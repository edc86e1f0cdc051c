using System.Reflection;
using MemoryPack;

namespace Partisan;

/// <summary>
/// The bridge's stack guard. MemoryPack's reader has no nesting limit, so a peer could send a frame of a recursive type
/// (a node holding a node holding a node...) nested deep enough to overflow the reading thread's stack, which ends the
/// process. A type is accepted only if it cannot reach itself: through its fields (every instance field, of any
/// visibility, so auto-properties too), array elements, generic arguments and the cases of a <c>[MemoryPackUnion]</c>; and
/// no <c>object</c> member. Then a frame nests at most as deep as the type is declared, whatever a peer sends.
/// </summary>
public static class MemoryPackNesting
{
    /// <summary>Throws unless <paramref name="type"/> is bounded in depth.</summary>
    /// <param name="type">The type to check.</param>
    /// <exception cref="ArgumentException">It can contain itself (the message names the path) or an <c>object</c>.</exception>
    public static void EnsureBounded(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        Visit(type, [], new HashSet<Type>());
    }

    private static void Visit(Type type, List<Type> path, HashSet<Type> bounded)
    {
        if (bounded.Contains(type) || IsLeaf(type))
        {
            return;
        }

        if (type == typeof(object))
        {
            throw new ArgumentException($"{Path(path, type)}: an object member can hold any type, so its depth has no bound; the MemoryPack bridge refuses it.");
        }

        if (path.Contains(type))
        {
            throw new ArgumentException($"{Path(path, type)}: the type contains itself, so a frame could nest without limit and exhaust the stack; the MemoryPack bridge refuses recursive types.");
        }

        path.Add(type);
        foreach (Type inner in Inner(type))
        {
            Visit(inner, path, bounded);
        }

        path.RemoveAt(path.Count - 1);
        bounded.Add(type);
    }

    private static IEnumerable<Type> Inner(Type type)
    {
        if (type.IsArray)
        {
            yield return type.GetElementType()!;
            yield break;
        }

        if (type.IsGenericType)
        {
            foreach (Type argument in type.GetGenericArguments())
            {
                yield return argument;
            }
        }

        foreach (MemoryPackUnionAttribute union in type.GetCustomAttributes<MemoryPackUnionAttribute>(inherit: false))
        {
            yield return union.Type;
        }

        if (type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
        {
            yield break; // a collection's or a nullable's contents are its generic arguments, above
        }

        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                yield return field.FieldType;
            }
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type.IsPointer || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan);

    private static string Path(List<Type> path, Type last) => string.Join(" -> ", path.Append(last).Select(t => t.Name));
}
