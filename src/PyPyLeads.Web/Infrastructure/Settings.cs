using Microsoft.Extensions.Options;

namespace PyPyLeads.Web.Infrastructure;

/// <summary>
/// The one way the app reads its settings: each section of <c>appsettings.json</c> binds to an options class, whose
/// property initialisers are the defaults (nowhere else), and is checked when the app starts; a value it cannot use
/// stops the start with a message naming the setting.
/// </summary>
public static class Settings
{
    /// <summary>Binds <paramref name="section"/> to <typeparamref name="T"/>, checked at start by <paramref name="problems"/> (each a message; none means valid).</summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section, Func<T, IEnumerable<string>>? problems = null)
        where T : class
    {
        if (problems is not null)
        {
            services.AddSingleton<IValidateOptions<T>>(new ProblemsValidator<T>(problems));
        }
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// A section needed before the container is built (where the data lives, which database): read once, through the
    /// same options class and so with the same defaults. A value that does not convert throws, naming the setting.
    /// </summary>
    public static T Read<T>(this IConfiguration configuration, string section) where T : class, new() =>
        configuration.GetSection(section).Get<T>() ?? new T();

    /// <summary>As <see cref="Read{T}(IConfiguration, string)"/>, checked by <paramref name="problems"/> at once.</summary>
    public static T Read<T>(this IConfiguration configuration, string section, Func<T, IEnumerable<string>> problems) where T : class, new()
    {
        var options = configuration.Read<T>(section);
        return problems(options).ToList() is { Count: > 0 } found ? throw new OptionsValidationException(section, typeof(T), found) : options;
    }

    private sealed class ProblemsValidator<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            problems(options).ToList() is { Count: > 0 } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
    }
}
