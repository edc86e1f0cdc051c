using System;
using System.Collections.Generic;
using System.Globalization;
using Partisan.Generators.Messages.Model;

namespace Partisan.Generators.Helpers;

/// <summary>
/// The statements and expressions that write and read one value on the wire, shared by every emitter
/// that writes a formatter ([PartisanMessage] types, server requests, state machine events). Built-in
/// and enum formatters are held in static fields named by <see cref="FieldName"/>, in the order
/// <see cref="CollectFormatterFields{T}"/> gives.
/// </summary>
internal static class WireCode
{
    /// <summary>The static field holding the formatter at <paramref name="index"/> of the collected list.</summary>
    public static string FieldName(int index) => "s_formatter" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The distinct built-in and enum formatter types <paramref name="items"/> use, in first-use order.</summary>
    public static List<string> CollectFormatterFields<T>(IEnumerable<T> items, Func<T, WireTypeModel> typeOf)
    {
        var fields = new List<string>();
        foreach (T item in items)
        {
            for (WireTypeModel? t = typeOf(item); t is not null; t = t.Element)
            {
                if (t.Kind is WireKind.BuiltIn or WireKind.Enum && t.Formatter is { } formatter && !fields.Contains(formatter))
                {
                    fields.Add(formatter);
                }
            }
        }

        return fields;
    }

    /// <summary>
    /// Writes a formatter's <c>Write</c> override: for a reference type a presence flag, then the members of
    /// <c>value</c> inside a length-prefixed object, in order.
    /// </summary>
    public static void WriteWriteMethod(SourceWriter w, string formatted, bool isReferenceType, IReadOnlyList<(string Member, WireTypeModel Type)> members, List<string> fields)
    {
        w.WriteLine("/// <inheritdoc />");
        w.OpenBlock($"public override void Write(ref global::Partisan.Serialization.WireWriter writer, {formatted} value)");
        if (isReferenceType)
        {
            w.OpenBlock("if (value is null)");
            w.WriteLine("writer.WriteBool(false);");
            w.WriteLine("return;");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("writer.WriteBool(true);");
        }

        w.WriteLine($"global::Partisan.Serialization.WireObjectScope scope = writer.BeginObject({members.Count.ToString(CultureInfo.InvariantCulture)});");
        int temp = 0;
        foreach ((string member, WireTypeModel type) in members)
        {
            WriteValue(w, type, "value." + member, fields, ref temp);
        }

        w.WriteLine("writer.EndObject(scope);");
        w.CloseBlock();
    }

    /// <summary>Writes <paramref name="expression"/> of <paramref name="type"/> with <c>writer</c>; <paramref name="temp"/> numbers the locals it needs.</summary>
    public static void WriteValue(SourceWriter w, WireTypeModel type, string expression, List<string> fields, ref int temp)
    {
        switch (type.Kind)
        {
            case WireKind.Nullable:
                string local = "t" + temp++.ToString(CultureInfo.InvariantCulture);
                w.WriteLine($"{type.TypeName} {local} = {expression};");
                w.WriteLine($"writer.WriteBool({local}.HasValue);");
                w.OpenBlock($"if ({local}.HasValue)");
                WriteValue(w, type.Element!, local + ".GetValueOrDefault()", fields, ref temp);
                w.CloseBlock();
                w.WriteLine();
                break;
            case WireKind.BuiltIn:
            case WireKind.Enum:
                w.WriteLine($"{FieldName(fields.IndexOf(type.Formatter!))}.Write(ref writer, {expression});");
                break;
            case WireKind.Message:
                w.WriteLine($"{type.Formatter}.Instance.Write(ref writer, {expression});");
                break;
            case WireKind.Registry:
                w.WriteLine($"writer.Write<{type.TypeName}>({expression});");
                break;
            default:
                w.WriteLine($"writer.{WriterMethod(type.Kind)}({expression});");
                break;
        }
    }

    /// <summary>
    /// Writes the statements that read the members into locals <c>m0</c>, <c>m1</c>... after <c>BeginObject</c> gave
    /// <c>count</c>. With two members or more, a sender that wrote all of them (the usual case) is read straight through
    /// with no test per member; one that wrote fewer (an older version) takes the member-by-member branch.
    /// </summary>
    public static void WriteReadMembers(SourceWriter w, IReadOnlyList<(WireTypeModel Type, string Missing)> members, List<string> fields)
    {
        if (members.Count < 2)
        {
            for (int i = 0; i < members.Count; i++)
            {
                string index = i.ToString(CultureInfo.InvariantCulture);
                w.WriteLine($"{members[i].Type.TypeName} m{index} = count > {index} ? {ReadExpression(members[i].Type, fields)} : {members[i].Missing};");
            }

            return;
        }

        for (int i = 0; i < members.Count; i++)
        {
            w.WriteLine($"{members[i].Type.TypeName} m{i.ToString(CultureInfo.InvariantCulture)};");
        }

        w.OpenBlock($"if (count >= {members.Count.ToString(CultureInfo.InvariantCulture)})");
        for (int i = 0; i < members.Count; i++)
        {
            w.WriteLine($"m{i.ToString(CultureInfo.InvariantCulture)} = {ReadExpression(members[i].Type, fields)};");
        }

        w.CloseBlock();
        w.OpenBlock("else");
        for (int i = 0; i < members.Count; i++)
        {
            string index = i.ToString(CultureInfo.InvariantCulture);
            w.WriteLine($"m{index} = count > {index} ? {ReadExpression(members[i].Type, fields)} : {members[i].Missing};");
        }

        w.CloseBlock();
        w.WriteLine();
    }

    /// <summary>An expression that reads a value of <paramref name="type"/> with <c>reader</c>.</summary>
    public static string ReadExpression(WireTypeModel type, List<string> fields)
    {
        string bang = type.SuppressNull ? "!" : string.Empty;
        return type.Kind switch
        {
            WireKind.Nullable => $"(reader.ReadBool() ? ({type.TypeName}){ReadExpression(type.Element!, fields)} : null)",
            WireKind.BuiltIn or WireKind.Enum => $"{FieldName(fields.IndexOf(type.Formatter!))}.Read(ref reader)",
            WireKind.Message => $"{type.Formatter}.Instance.Read(ref reader){bang}",
            WireKind.Registry => $"reader.Read<{type.TypeName}>()",
            WireKind.Bool => "reader.ReadBool()",
            WireKind.Byte => "reader.ReadByte()",
            WireKind.Int32 => "reader.ReadVarInt32()",
            WireKind.UInt32 => "reader.ReadVarUInt32()",
            WireKind.Int64 => "reader.ReadVarInt64()",
            WireKind.UInt64 => "reader.ReadVarUInt64()",
            WireKind.Single => "reader.ReadSingle()",
            WireKind.Double => "reader.ReadDouble()",
            WireKind.Decimal => "reader.ReadDecimal()",
            WireKind.Guid => "reader.ReadGuid()",
            WireKind.String => "reader.ReadString()" + bang,
            WireKind.Bytes => "reader.ReadBytes()" + bang,
            WireKind.Object => "reader.ReadObject()" + bang,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type.Kind, "Unknown wire kind."),
        };
    }

    /// <summary>The expression for a value an older sender did not write.</summary>
    public static string MissingValue(WireTypeModel type, bool isValueType) =>
        isValueType ? "default" : type.SuppressNull ? "default!" : "null";

    private static string WriterMethod(WireKind kind) => kind switch
    {
        WireKind.Bool => "WriteBool",
        WireKind.Byte => "WriteByte",
        WireKind.Int32 => "WriteVarInt32",
        WireKind.UInt32 => "WriteVarUInt32",
        WireKind.Int64 => "WriteVarInt64",
        WireKind.UInt64 => "WriteVarUInt64",
        WireKind.Single => "WriteSingle",
        WireKind.Double => "WriteDouble",
        WireKind.Decimal => "WriteDecimal",
        WireKind.Guid => "WriteGuid",
        WireKind.String => "WriteString",
        WireKind.Bytes => "WriteBytes",
        WireKind.Object => "WriteObject",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No direct writer method."),
    };
}
