using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PyPyLeads.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class IdemSubmissionKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Submissions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SubmitterId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Form = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Result = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Submissions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_CreatedAtUtc",
                table: "Submissions",
                column: "CreatedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Submissions_SubmitterId_Form_Key",
                table: "Submissions",
                columns: new[] { "SubmitterId", "Form", "Key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Submissions");
        }
    }
}
