using System.Reflection;
using Microsoft.CodeAnalysis;
using Partisan.Generators.Messages;

namespace Partisan.Generators.Tests.Support;

/// <summary>Checks that pipeline values are plain values: no symbols, syntax, compilations or locations, and value-equatable.</summary>
public static class ModelWalk
{
    private static readonly Type[] Forbidden =
    [
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel), typeof(Location), typeof(SyntaxToken), typeof(AttributeData),
    ];

    /// <summary>Walks the fields of <paramref name="roots"/> and fails on any Roslyn object or non-equatable type; returns every type seen.</summary>
    public static HashSet<Type> AssertValueOnly(params Type[] roots)
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<(Type Type, string Path)>();
        foreach (Type root in roots)
        {
            queue.Enqueue((root, root.Name));
        }

        while (queue.Count > 0)
        {
            (Type type, string path) = queue.Dequeue();
            if (!seen.Add(type))
            {
                continue;
            }

            foreach (Type forbidden in Forbidden)
            {
                Assert.False(forbidden.IsAssignableFrom(type), $"{path} is a {forbidden.Name}");
            }

            Assert.False(type == typeof(object), $"{path} is object: its contents cannot be checked");
            if (type.IsArray)
            {
                queue.Enqueue((type.GetElementType()!, path + "[]"));
                continue;
            }

            if (type.IsGenericType)
            {
                foreach (Type argument in type.GetGenericArguments())
                {
                    queue.Enqueue((argument, $"{path}<{argument.Name}>"));
                }
            }

            if (type.Assembly != typeof(PartisanMessageGenerator).Assembly)
            {
                continue; // framework and Roslyn value types (string, TextSpan, LinePositionSpan) end the walk
            }

            Assert.True(type.IsValueType || type.GetMethod("Equals", [type]) is not null, $"{path} ({type.Name}) is not value-equatable");
            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                queue.Enqueue((field.FieldType, path + "." + field.Name));
            }
        }

        return seen;
    }
}
