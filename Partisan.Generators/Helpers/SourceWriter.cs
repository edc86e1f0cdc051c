using System;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Partisan.Generators.Helpers;

/// <summary>
/// Builds generated source text with indentation: every line written gets the current indent, and
/// multi-line text (raw string literals) is re-indented line by line. Emitters open and close
/// blocks in pairs; <see cref="ToSourceText"/> checks that the indent came back to zero.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();
    private int _indentation;

    public int Indentation
    {
        get => _indentation;
        set
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "Indentation cannot be negative.");
            }

            _indentation = value;
        }
    }

    /// <summary>Writes <paramref name="text"/> followed by a newline; each of its lines is indented.</summary>
    public void WriteLine(string text)
    {
        if (text.IndexOf('\n') < 0)
        {
            WriteIndentedLine(text);
            return;
        }

        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        foreach (string line in lines)
        {
            WriteIndentedLine(line);
        }
    }

    /// <summary>Writes an empty line (no trailing spaces).</summary>
    public void WriteLine() => _builder.Append('\n');

    /// <summary>Writes <paramref name="header"/>, then an opening brace, and indents.</summary>
    public void OpenBlock(string header)
    {
        WriteLine(header);
        WriteLine("{");
        Indentation++;
    }

    /// <summary>Writes an opening brace and indents.</summary>
    public void OpenBlock()
    {
        WriteLine("{");
        Indentation++;
    }

    /// <summary>Outdents and writes a closing brace followed by <paramref name="suffix"/> (e.g. ";").</summary>
    public void CloseBlock(string suffix = "")
    {
        Indentation--;
        WriteLine("}" + suffix);
    }

    private void WriteIndentedLine(string line)
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _indentation; i++)
            {
                _builder.Append(IndentUnit);
            }

            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    /// <summary>The text written so far, as UTF-8 source text.</summary>
    /// <exception cref="InvalidOperationException">A block was left open.</exception>
    public SourceText ToSourceText()
    {
        if (_indentation != 0)
        {
            throw new InvalidOperationException($"Generated source ended at indentation {_indentation}: a block was left open.");
        }

        return SourceText.From(_builder.ToString(), Encoding.UTF8);
    }

    public override string ToString() => _builder.ToString();
}
