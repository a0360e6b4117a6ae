using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PyPyLeads.Data;

namespace PyPyLeads.IntegrationTests.Schedule;

/// <summary>Steps the schedule tests share, over HTTP as a person would take them.</summary>
internal static class ScheduleTestSteps
{
    public const int Armin = 1, Maciej = 2, Laura = 3;

    public static async Task<int> NewRequestAsync(HttpClient client, string company = "Yelp", string city = "San Francisco")
    {
        var response = await client.PostFormAsync("/presentations/new", new Dictionary<string, string>
        {
            ["CompanyName"] = company, ["ContactName"] = "Jane Doe", ["ContactEmail"] = "jane@example.com", ["City"] = city,
            ["Topics"] = "JitSpeed", ["AudienceSize"] = "40",
        });
        People.Expect(response, HttpStatusCode.Redirect);
        return int.Parse(response.Headers.Location!.OriginalString.Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Posts the schedule form of a request as loaded now (its version, its token).</summary>
    public static Task<HttpResponseMessage> ScheduleAsync(HttpClient client, int id, string start, string end, int[] presenters, string area = "Bay Area", string place = "Yelp, 706 Mission St", bool confirm = false)
    {
        var fields = new Dictionary<string, string> { ["Area"] = area, ["Place"] = place, ["StartsLocal"] = start, ["EndsLocal"] = end };
        if (confirm)
        {
            fields["ConfirmClashes"] = "true";
        }
        return client.PostListFormAsync($"/presentations/{id}", $"/presentations/{id}/schedule", fields, ("TeamMemberIds", presenters));
    }

    public static T Db<T>(LeadsApp app, Func<LeadsDbContext, T> read)
    {
        using var scope = app.Services.CreateScope();
        return read(scope.ServiceProvider.GetRequiredService<LeadsDbContext>());
    }

    /// <summary>Like PostFormAsync, plus repeated fields (checkbox lists).</summary>
    public static async Task<HttpResponseMessage> PostListFormAsync(this HttpClient client, string pageUrl, string action, IDictionary<string, string> fields, (string Name, int[] Values) list)
    {
        var page = await client.GetPageAsync(pageUrl);
        var form = page.QuerySelectorAll("main form").First(f => f.GetAttribute("action") == action);
        var values = form.QuerySelectorAll("input[type=hidden]").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? ""))
            .Where(kv => !fields.ContainsKey(kv.Key)).ToList();
        values.AddRange(fields);
        values.AddRange(list.Values.Select(v => new KeyValuePair<string, string>(list.Name, v.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        return await client.PostAsync(action, new FormUrlEncodedContent(values));
    }
}
